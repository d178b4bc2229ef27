"""Test data of messaging, built through messaging.services: notifications and SMS records."""

import itertools

_seq = itertools.count(1)


class MessagingFactory:
    def __init__(self, actor):
        self.actor = actor

    def notification(self, *, title=None, users=None, body="", url=""):
        """One notification to each of `users` (the actor by default); returns the actor's (or first) one."""
        from shouhou.messaging.services import notify

        result = notify(users=users or [self.actor], title=title or f"测试通知{next(_seq)}", body=body, url=url)
        return result[0] if isinstance(result, list | tuple) and result else result

    def sms(self, *, content=None, phone="13912345678"):
        from shouhou.messaging.services import send_sms

        return send_sms(phone=phone, content=content or f"测试短信{next(_seq)}", actor=self.actor)
