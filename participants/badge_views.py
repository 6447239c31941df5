from flask import Blueprint

bp = Blueprint("badges", __name__, template_folder="templates")
