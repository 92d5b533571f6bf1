"""Concerns: a teacher's report about a pupil to the school, or another institution's to the coordinator."""
