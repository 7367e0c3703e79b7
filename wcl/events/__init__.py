"""Events of the community around the labs: festivals, workshops, meetups, pitch days.

Registration (with an account or as a guest), a waitlist that moves up when someone
cancels, a ticket with a QR code emailed with an .ics file, reminders the day before,
and check-in at the door on a phone.
"""
