"""opp-generator: ontwikkelingsperspectiefplannen (OPP's) in Word uit een LVS-export."""

__version__ = "0.1.0"
