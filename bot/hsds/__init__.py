"""Open Referral HSDS 3.0: export the content as a dataset, import a dataset as a region file."""
