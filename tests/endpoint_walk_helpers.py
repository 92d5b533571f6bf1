"""Shared by the endpoint walk and the access matrix."""

PUBLIC_ENDPOINTS = {"static", "core.health", "core.set_language", "auth.sign_in",
                    "auth.forgot_password", "auth.set_password", "actions.feed"}
