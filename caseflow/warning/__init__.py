"""Early warning: signals computed from imported school data, the school's warning list, the
coordinator's overview of schools and of declared children enrolled nowhere."""
