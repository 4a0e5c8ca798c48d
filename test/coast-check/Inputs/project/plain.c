// No coast at all.
int plain(int x) { return x + 1; }
