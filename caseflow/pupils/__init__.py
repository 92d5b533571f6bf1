"""Pupil registry: identity, personal-code validation, declared municipality, enrolment history."""
