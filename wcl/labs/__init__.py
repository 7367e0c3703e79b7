"""Labs: the programme's sites. Calls and cohorts belong to a lab."""
