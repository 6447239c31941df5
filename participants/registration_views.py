from flask import Blueprint

bp = Blueprint("registrations", __name__, template_folder="templates")
