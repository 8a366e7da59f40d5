"""Discussion boards, threads, posts, reports, moderation log, announcements."""
