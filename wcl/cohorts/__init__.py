"""Cohorts: enrolments, mentors, sessions, attendance, milestones, check-ins."""
