"""ID numbers masked inside any text: the one rule for what a clerk typed and fupin shows."""

from __future__ import annotations

from jiaoyu_fupin.core.idmask import mask_text


def test_mask_text_masks_every_id_shaped_run_and_nothing_else():
    assert mask_text("资助项目“42282220090520009X”不对（值：42282220090520009x）") == \
        "资助项目“422822********009X”不对（值：422822********009x）"
    assert mask_text("城关中学 422822060315123") == "城关中学 422822*****5123"
    assert mask_text("身份证４２２８２２２００８０６０６７０１９号") == "身份证４２２８２２********７０１９号"
    # Not an ID's shape: a 16- or 19-digit run, 17 digits, a date, a short number.
    for text in ("6222021234567890", "6222021234567890123", "42282220090520009", "2019-10-20", "1500"):
        assert mask_text(text) == text
