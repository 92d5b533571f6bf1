"""Imports of school data: absences, semester totals, grades and enrolment lists."""
