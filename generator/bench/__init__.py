"""`metdocs bench`: a build with N synthetic cases, timed phase by phase against stock Material."""
