"""`finsentry demo`: load and screen a simulated Jilin province, ready to explore."""

import csv
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from finsentry.accounts.demo_staff import DEMO_PASSWORD, ensure_demo_staff
from finsentry.alerts.demo import load_demo_alerts
from finsentry.cases.demo import plant_cases
from finsentry.demo.generator import generate_firms, licence_list, write_registry_csv
from finsentry.demo.platforms import PlatformTruth, write_platform_files
from finsentry.docking import services as docking
from finsentry.registry import services
from finsentry.registry.importer import import_registry
from finsentry.registry.models import Firm
from finsentry.risk import services as risk


class Command(BaseCommand):
    help = "生成模拟吉林省登记数据，导入、筛查并创建演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--firms", type=int, default=50_000, help="模拟企业数")
        parser.add_argument("--seed", type=int, default=2016)
        parser.add_argument("--force", action="store_true", help="已有数据时仍重新导入")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        folder = Path(settings.DATA_DIR) / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        count, seed = options["firms"], options["seed"]

        if options["force"] or not Firm.objects.exists():
            registry = folder / "jilin-registry.csv"
            licences = folder / "jilin-licences.csv"
            write_registry_csv(registry, count, seed)
            _write_licences(licences, count, seed)
            services.seed_words()
            call_command("import_licences", str(licences), source="演示持牌名录")
            run = import_registry(registry, services.screener(), workers=1)
            self.stdout.write(
                f"已导入模拟登记 {run.rows_inserted + run.rows_updated} 户，"
                f"拒收 {run.rows_rejected} 行"
            )
            services.name_index(rebuild=True)
            self._load_platforms(folder, count, seed)

        logins = ensure_demo_staff(DEMO_PASSWORD)
        plant_cases(self.stdout, DEMO_PASSWORD)
        load_demo_alerts(self.stdout)
        flagged = Firm.objects.filter(flagged=True).count()
        self.stdout.write(
            f"演示省份就绪：企业 {Firm.objects.count()} 户，重点监管对象 {flagged} 户\n"
            f"演示账号（密码均为 {DEMO_PASSWORD}）："
        )
        for login, where in logins:
            self.stdout.write(f"  {login.username:<10} {login.full_name}　{where}")

    def _load_platforms(self, folder: Path, count: int, seed: int) -> None:
        """Import the demo platforms' monthly reports, link them and score firms."""
        reports = folder / "jilin-platform-reports.csv"
        truth = folder / "jilin-platform-truth.csv"
        truths = write_platform_files(reports, truth, generate_firms(count, seed), seed)
        run = docking.import_report_file(reports)
        docking.link_platforms_by_code()
        _link_by_truth(truths)
        failed = sum(t.outcome == "failed" for t in truths)
        self.stdout.write(
            f"已导入 {len(truths)} 个网贷平台的月度运营数据 {run.rows_inserted} 行"
            f"（其中 {failed} 个平台后来出问题，真相见 {truth}）"
        )
        result = risk.rescore()
        self.stdout.write(
            f"已完成风险评分：有得分 {result.run.firms_with_points} 户，"
            f"等级变化 {result.run.level_changes} 户"
        )


def _link_by_truth(truths: list[PlatformTruth]) -> None:
    """Link the platforms that reported under an id, as staff would by hand."""
    firms = Firm.objects.in_bulk([t.uscc for t in truths], field_name="uscc")
    for t in truths:
        if t.platform != t.uscc and t.uscc in firms:
            docking.link_platform(t.platform, firms[t.uscc])


def _write_licences(path: Path, count: int, seed: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["uscc", "name", "kind"])
        writer.writerows(licence_list(generate_firms(count, seed)))
