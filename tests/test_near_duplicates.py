"""Near-duplicate documents are found through LSH buckets in SQLite, not by pairwise comparison."""
from __future__ import annotations

from archive import near_duplicates
from archive.schema import open_db

TEXT = ("一、总体情况。本年度，清河县人民政府认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进决策、执行、管理、服务、结果公开。"
        "二、主动公开政府信息情况。围绕重点领域信息公开，及时公开规范性文件、行政许可、行政处罚等信息。"
        "三、收到和处理政府信息公开申请情况。本年共收到政府信息公开申请48件，均在法定期限内予以答复。"
        "四、政府信息公开行政复议、行政诉讼情况。因政府信息公开被申请行政复议2件，被提起行政诉讼1件。"
        "五、存在的主要问题及改进情况。" + "".join(f"第{i}项整改任务按期完成，共公开信息{i * 37}条。" for i in range(1, 40)))


def test_same_text_in_other_chrome_is_a_near_duplicate(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    assert near_duplicates.find_and_index(db, 1, TEXT) == []
    chrome = "首页 | 政务公开 | 网站地图\n" + TEXT + "\n主办：清河县人民政府 网站标识码：1300000001"
    found = near_duplicates.find_and_index(db, 2, chrome)
    assert [d for d, _ in found] == [1] and found[0][1] >= 0.9


def test_different_report_is_not(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    near_duplicates.find_and_index(db, 1, TEXT)
    other = TEXT.replace("48", "7").replace("清河县", "武城县").replace("2件", "0件").replace("主动公开", "积极推进") * 1
    other = "".join(reversed(other))
    assert near_duplicates.find_and_index(db, 2, other) == []


def test_short_texts_are_not_compared(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    assert near_duplicates.find_and_index(db, 1, "年度报告") == []
    assert db["minhash_signatures"].count == 0


def test_buckets_are_rebuilt_from_signatures_when_the_banding_changes(tmp_path):
    db = open_db(str(tmp_path / "a.db"))
    near_duplicates.find_and_index(db, 1, TEXT)
    # an archive written with another banding: its buckets mean nothing now
    db.execute("UPDATE minhash_bands SET bucket = 'stale'")
    db["_meta"].upsert({"key": "lsh_bands", "value": "16x8"}, pk="key")
    db.conn.commit()
    db.conn.close()
    db = open_db(str(tmp_path / "a.db"))
    assert db["minhash_bands"].count == near_duplicates.BANDS
    found = near_duplicates.find_and_index(db, 2, "首页\n" + TEXT)
    assert [d for d, _ in found] == [1]
