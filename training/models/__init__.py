"""The training app's models: sessions and attendance, lectures, AV education, 三会一课, publications."""

from .av import AVEquipment, AVEquipmentEvent, AVFilm, FilmOrder
from .lectures import LectureAttendance, LecturerUnit, PartyLecture
from .meetings import ActivityDay, OrgMeeting
from .publications import Publication, Subscription
from .sessions import Attendance, TrainingSession, TrainingTopic

__all__ = [
    "AVEquipment",
    "AVEquipmentEvent",
    "AVFilm",
    "ActivityDay",
    "Attendance",
    "FilmOrder",
    "LectureAttendance",
    "LecturerUnit",
    "OrgMeeting",
    "PartyLecture",
    "Publication",
    "Subscription",
    "TrainingSession",
    "TrainingTopic",
]
