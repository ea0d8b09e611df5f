"""The console's forms (Flask-WTF): each POST carries a CSRF token; GET filters carry none."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from hotline.console.models import LANGUAGES
from hotline.phones import to_e164

LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
CALL_OUTCOMES = ("operator", "record", "give_up", "no_response", "other", "language", "back", "dial")


class LoginForm(FlaskForm):
    name = StringField(_l("Login"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])


class ActionForm(FlaskForm):
    """A button: only its CSRF token (claim, log out)."""


class CompleteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[DataRequired(_l("Write what came of the call.")), Length(max=2000)])


class CancelForm(FlaskForm):
    note = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Write why it is cancelled.")), Length(max=2000)])


def phone_number(form, field):
    """Any spelling of a number; kept in E.164 on ``field.e164``."""
    field.e164 = to_e164(field.data) if field.data else None
    if field.data and field.e164 is None:
        raise ValidationError(_l("Not a phone number."))


class CallFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET: it changes nothing

    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    language = SelectField(_l("Language"), default="",
                           choices=[SelectChoice("", "—"), SelectChoice("ky"), SelectChoice("ru")])
    outcome = SelectField(_l("Outcome"), default="",
                          choices=[SelectChoice("", "—")] + [SelectChoice(o) for o in CALL_OUTCOMES])
    number = StringField(_l("Number"), validators=[Optional(), Length(max=40), phone_number])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end is before the start."))
