"""Who takes part in a case besides its school: institutions the coordinator adds, and cases
shared with the pupil's declared municipality."""
