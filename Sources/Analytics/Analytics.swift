// Analytics: stored batches (VenueSlice) -> detectors -> findings -> reports.
