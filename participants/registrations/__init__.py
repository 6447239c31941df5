"""Registrations: who is invited to an event, in which role and group, how they answered, and
who stands in for whom (delegates, *diwakilkan*). Used by the organiser pages, the personal
page, the demo and the tests; views stay thin.

Rules worth knowing:

- **Places.** A registration holds a place while it is ``invited`` or ``confirmed``. Declined and
  cancelled registrations free theirs; a delegated head's place passes to the delegate. An
  event's ``capacity`` (None: no limit) caps the places held; a change that would exceed it is
  refused as a whole and changes nothing.
- **Inviting is idempotent.** People already registered for the event (in any status) and
  inactive people are skipped and reported, never registered twice.
- **Heads of OPD** are the active JPT Pratama officials of an active OPD (kepala dinas/badan,
  sekretaris daerah, asisten, inspektur …).
- **Camat and lurah** are the active officials of an active OPD of kind ``kecamatan`` whose
  position starts with "Camat", and of kind ``kelurahan`` whose position starts with "Lurah";
  an acting title in front ("Plt.", "Plh.", "Pj.") counts too. "Sekretaris Kecamatan" does not.
- **Delegates.** A head (a registration that is not itself a delegate) may send one active
  delegate at a time: the head becomes ``delegated``, the delegate gets its own registration
  (``delegate_of`` the head, ``confirmed``, its own pass and link tokens). Changing the delegate
  cancels the previous one; any other answer of the head cancels the delegate, also in a bulk
  change that selects both. A participant's delegate is always a new person; only organisers
  name directory people (never inactive ones), and a reused registration gets new tokens.
"""
