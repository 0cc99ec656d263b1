"""`newsbot eval`: question files, metrics, the dense baseline and the run that compares them."""
