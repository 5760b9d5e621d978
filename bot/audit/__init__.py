"""The question bank checks itself: test-wise strategies and item-writing rules (see ``report``)."""

from bot.audit.report import AuditLimits, AuditReport, StrategyScore, audit_questions

__all__ = ["AuditLimits", "AuditReport", "StrategyScore", "audit_questions"]
