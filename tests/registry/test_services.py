"""Registry services: the saved name index and loose-name lookup over stored firms."""

from pathlib import Path

import pytest

from finsentry.registry import importer, services
from finsentry.registry.models import Firm
from finsentry.registry.pipeline import Screener
from finsentry.registry.screening import WordList
from tests.registry.registry_files import code, firm_row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data_dir(tmp_path: Path, settings) -> Path:
    settings.DATA_DIR = tmp_path
    services._index = None
    yield tmp_path
    services._index = None


def test_match_finds_imported_firm_by_loose_name(data_dir: Path) -> None:
    rows = [
        firm_row(1, "吉林融通金融服务有限公司", "金融信息服务"),
        firm_row(2, "长春鑫汇贷网络科技有限公司", "网络技术开发"),
        firm_row(3, "长春丰禾商贸有限公司", "日用百货"),
    ]
    source = write_csv(data_dir / "r.csv", rows)
    importer.import_registry(source, Screener(WordList.default()), data_dir / "rej.csv")

    matches = services.match_firms("融通金服")

    assert matches and matches[0].key == code(1)
    assert services.index_path().exists()


def test_refresh_adds_firms_imported_later(data_dir: Path) -> None:
    Firm.objects.create(uscc=code(1), name="长春丰禾商贸有限公司", name_normalized="x")
    services.name_index(rebuild=True)

    services.refresh_name_index([(code(2), "吉林鑫汇投资管理有限公司")])

    assert services.match_firms("鑫汇投资")[0].key == code(2)


def test_unreadable_saved_index_is_rebuilt(data_dir: Path) -> None:
    Firm.objects.create(
        uscc=code(1), name="吉林鑫汇投资管理有限公司", name_normalized="x"
    )
    services.index_path().write_bytes(b"not an index")

    assert services.match_firms("鑫汇投资")[0].key == code(1)
