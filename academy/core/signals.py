"""Signals that carry side effects across plugins.

Every signal is documented with its sender and keyword arguments.  Receivers
live in a plugin's ``receivers.py`` and are connected in its ``setup``.
Signals are sent inside the transaction of the request or command, so a
receiver's writes commit or roll back with the change that caused them.
"""

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal(
    "user-registered",
    doc="""A person signed up or was created by an admin.

    sender: the User; kwargs: ``by`` (the acting User or None for self sign-up).""",
)

user_deleted = _signals.signal(
    "user-deleted",
    doc="""A user's account is being erased; plugins anonymise their own data.

    sender: the User (still loaded, before anonymisation); kwargs: none.""",
)

user_data_export = _signals.signal(
    "user-data-export",
    doc="""Collect a user's personal data for "export my data".

    sender: the User.  Each receiver returns ``(section_name, json_serialisable)``.""",
)

enrolment_changed = _signals.signal(
    "enrolment-changed",
    doc="""An enrolment changed state.

    sender: the Enrolment; kwargs: ``old_status``, ``new_status``, ``by``.""",
)

lesson_completed = _signals.signal(
    "lesson-completed",
    doc="""A learner completed a lesson for the first time in an enrolment.

    sender: the Enrolment; kwargs: ``lesson``.""",
)

course_completed = _signals.signal(
    "course-completed",
    doc="""An enrolment reached its course's completion criteria (sent once).

    sender: the Enrolment; kwargs: none.""",
)

course_upgraded = _signals.signal(
    "course-upgraded",
    doc="""A course was updated in place to a newer package version.

    sender: the Course; kwargs: ``old_version``, ``new_version``.""",
)

instance_initialised = _signals.signal(
    "instance-initialised",
    doc="""``academy init`` brought the schema to head; plugins load their built-in data.

    sender: the Flask app; kwargs: ``load_courses`` (False with --no-courses).
    Receivers must be idempotent: init may run any number of times.""",
)

demo_requested = _signals.signal(
    "demo-requested",
    doc="""``academy demo`` created the demo users; plugins add demo data.

    sender: the Flask app; kwargs: ``users`` (dict role name -> User).
    Receivers must be idempotent and return lines to print (or None).""",
)
