"""The optional second factor: TOTP devices (django-otp) for administrators.

An administrator enrols a device on their account page (a QR code for an
authenticator app, or the key typed in by hand), confirms it with a first
code, and from then on the login asks for a code after the password.
FINSENTRY_OTP_REQUIRED_FOR_ADMINS makes enrolment mandatory for them.
"""

from __future__ import annotations

import logging
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from finsentry.accounts.scoping import may

log = logging.getLogger(__name__)

DEVICE_NAME = "身份验证器"


def may_enrol(user: Any) -> bool:
    """Return whether `user`'s role may use a second factor ("account.otp")."""
    return bool(user.is_authenticated) and may(user, "account.otp")


def confirmed_device(user: Any) -> TOTPDevice | None:
    """Return `user`'s confirmed TOTP device, or None."""
    if not user.is_authenticated:
        return None
    found = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    return found.first()


def enrolment_required(user: Any) -> bool:
    """Return whether `user` must enrol a device before going on."""
    return bool(settings.FINSENTRY_OTP_REQUIRED_FOR_ADMINS) and may_enrol(user)


def pending_device(user: Any) -> TOTPDevice:
    """Return `user`'s unconfirmed device, creating one with a fresh key."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm(device: TOTPDevice, token: str) -> bool:
    """Confirm `device` when `token` is its current code; return whether it was."""
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    log.info("otp device confirmed user=%s", device.user)
    return True


def remove_devices(user: Any) -> int:
    """Delete every TOTP device of `user`; return how many there were."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    return removed


def key_text(device: TOTPDevice) -> str:
    """Return the device key in base32, grouped by four, for typing in by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Return an inline SVG QR code of the device's otpauth:// URL (no image files)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    return image.to_string(encoding="unicode")
