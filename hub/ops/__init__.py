"""Operations: audit chain verification, backups and their ``flask`` commands."""
