"""The pre-commit large-file rule refuses files over 1 MB and passes smaller ones."""

from tutor.large_files import LIMIT_BYTES, main


def test_large_files_rule_refuses_a_file_over_the_limit(tmp_path, capsys):
    big, small = tmp_path / "big.bin", tmp_path / "small.txt"
    big.write_bytes(b"0" * (LIMIT_BYTES + 1))
    small.write_text("fine")
    assert main([str(small)]) == 0
    assert main([str(small), str(big)]) == 1
    assert "big.bin" in capsys.readouterr().err
