"""`finsentry patrol`: run a patrol round in the foreground, with progress lines.

finsentry patrol --site http://a.cn --site b.cn     these sites
finsentry patrol --file sites.txt                   one address a line
finsentry patrol --all-registry                     every registered website
finsentry patrol --schedule-daily                   the daily job, for cron:
    0 2 * * *  finsentry patrol --schedule-daily
finsentry patrol --round 12                         run a queued round
"""

import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from finsentry.patrol import rounds
from finsentry.patrol.models import FetchFailure, PatrolRound, Site, SiteEvent


class Command(BaseCommand):
    help = "巡查网站：抓取页面、保存证据、识别违规表述，并与上一轮比较"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site", action="append", default=[], metavar="URL", help="要巡查的网址"
        )
        parser.add_argument("--file", type=Path, help="网址清单文件，每行一个")
        parser.add_argument(
            "--all-registry", action="store_true", help="巡查登记信息中的全部网站"
        )
        parser.add_argument(
            "--schedule-daily",
            action="store_true",
            help="每日定时巡查（同步登记网站后巡查全部在巡网站，供 cron 调用）",
        )
        parser.add_argument("--round", type=int, help="运行已排队的巡查轮次")
        parser.add_argument("--note", default="", help="新增网站的备注")

    def handle(self, *args: Any, **options: Any) -> None:
        round_id = options["round"] or self._queue(options)
        started = time.monotonic()
        self._last = ""
        self._shown_at = 0.0
        try:
            finished = rounds.run_round(round_id, tick=lambda: self._progress(round_id))
        except rounds.RoundNotQueued as exc:
            raise CommandError(str(exc)) from exc
        self._summary(finished, time.monotonic() - started)
        if finished.state == PatrolRound.State.FAILED:
            raise CommandError(f"巡查轮次 {finished.pk} 失败：{finished.error}")

    def _queue(self, options: dict[str, Any]) -> int:
        trigger = PatrolRound.Trigger.CONSOLE
        site_ids: list[int] | None = []
        if options["schedule_daily"]:
            rounds.sites_from_registry()
            trigger, site_ids = PatrolRound.Trigger.SCHEDULE, None
        else:
            site_ids = self._chosen_sites(options)
        patrol_round = rounds.start_round(site_ids, trigger)
        if patrol_round.sites_total == 0:
            raise CommandError("没有可巡查的网站：请先添加网站或导入登记信息")
        self.stdout.write(
            f"第 {patrol_round.pk} 轮巡查开始：网站 {patrol_round.sites_total} 个"
        )
        return patrol_round.pk

    def _chosen_sites(self, options: dict[str, Any]) -> list[int]:
        if not (options["site"] or options["file"] or options["all_registry"]):
            raise CommandError(
                "请指定 --site、--file、--all-registry 或 --schedule-daily"
            )
        chosen: list[int] = []
        if options["all_registry"]:
            added = rounds.sites_from_registry()
            self.stdout.write(f"登记网站：新增 {added} 个")
            registry = Site.objects.filter(source=Site.Source.REGISTRY, active=True)
            chosen.extend(registry.values_list("pk", flat=True))
        given = list(options["site"])
        listed = self._read(options["file"]) if options["file"] else []
        bad = [
            f"  第 {p.line} 个 --site：{p.message}" for p in rounds.check_lines(given)
        ]
        bad += [
            f"  {options['file']} 第 {p.line} 行：{p.message}"
            for p in rounds.check_lines(listed)
        ]
        if bad:
            raise CommandError("网址有误，未开始巡查：\n" + "\n".join(bad))
        note = options["note"]
        for lines, source in (
            (given, Site.Source.MANUAL),
            (listed, Site.Source.UPLOAD),
        ):
            if lines:
                chosen.extend(rounds.add_sites(lines, source, note=note).site_ids)
        return sorted(set(chosen))

    def _read(self, path: Path) -> list[str]:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}：{exc.strerror}") from exc
        try:
            return raw.decode("utf-8-sig").splitlines()
        except UnicodeDecodeError:
            return raw.decode("gb18030", errors="replace").splitlines()

    def _progress(self, round_id: int) -> None:
        if time.monotonic() - self._shown_at < 1.0:
            return
        self._shown_at = time.monotonic()
        r = PatrolRound.objects.get(pk=round_id)
        line = (
            f"巡查中：网站 {r.sites_done}/{r.sites_total}，已存页面 {r.pages_stored}，"
            f"失败 {r.pages_failed}，新发现 {r.findings_new}"
        )
        if line != self._last:
            self.stdout.write(line)
            self._last = line

    def _summary(self, r: PatrolRound, seconds: float) -> None:
        kinds = Counter(
            FetchFailure.objects.filter(round=r).values_list("kind", flat=True)
        )
        labels = dict(FetchFailure.Kind.choices)
        failed = "、".join(f"{labels.get(k, k)} {n}" for k, n in kinds.most_common())
        events = SiteEvent.objects.filter(round=r).count()
        state = r.get_state_display()
        self.stdout.write(
            f"第 {r.pk} 轮巡查{state}：网站 {r.sites_done}/{r.sites_total}，"
            f"已存页面 {r.pages_stored}，失败 {r.pages_failed}"
            f"{f'（{failed}）' if failed else ''}，新发现 {r.findings_new}，"
            f"变化事件 {events}，用时 {seconds:.1f} 秒"
        )
