"""Pitch days: finalists of a call pitch at an event, a jury scores them live against
the call's rubric, staff publish the results, winners and prizes, and every finalist
gets a certificate (ky/ru/en) with a verification code."""
