"""Tests of caseflow/people."""
