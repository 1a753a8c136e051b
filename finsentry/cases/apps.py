"""Cases: verification tasks, classified disposal, rectification, acceptance."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "finsentry.cases"
    label = "cases"
    verbose_name = "核查与处置"

    def ready(self) -> None:
        """Put the firms of a domain's cases and tasks in that domain's scope."""
        from finsentry.accounts.scoping import register_domain_source
        from finsentry.cases.access import cases_in_domain, tasks_in_domain

        register_domain_source(cases_in_domain)
        register_domain_source(tasks_in_domain)
