/**
 * The program that reads and writes a bottle's home inside a confined sandbox (see
 * backends/bwrap/confined.ts), in perl (perl-base is on every Debian and Ubuntu, and the
 * bwrap backend already needs it). Its working directory is the home; every path is relative.
 *
 * Arguments: `OP MAX BUDGET PATH…`. Records on stdin and stdout are confined_wire.ts's.
 *
 * - `read PATH…`: one record per path. A component above it that is not a directory is
 *   reported in its place (its kind and path). A regular file is opened with O_NOFOLLOW and
 *   O_NONBLOCK and checked again with fstat, so a symlink or a FIFO swapped in meanwhile is
 *   never followed nor blocks; its content is sent only up to MAX bytes (and BUDGET bytes of
 *   answer in all), else its kind is `large`. Anything else is reported by kind, never opened.
 * - `tree ROOT`: ROOT's record, then one per entry below it, parents first, by name (paths
 *   relative to ROOT); symlinks are reported with their target, never followed. At most
 *   ENTRIES entries and DEPTH levels: past those, an `error` record ends the answer.
 * - `write` (records on stdin): puts each file, symlink or directory at its path. A file or a
 *   symlink goes to `PATH.tmp` first (whatever was there is removed) and is renamed over
 *   PATH, so a reader sees the old or the new one. A directory in the way of a file, or
 *   anything but a directory in the way of a directory (a symlink above it included), is
 *   removed first; missing directories are made (0700).
 * - `replace ROOT` (records on stdin, relative to ROOT): builds the tree at `ROOT.tmp`, then
 *   removes ROOT and renames the new tree into its place.
 * - `remove PATH…`: removes each tree (never through a symlink, `rm -rf`); a path behind a
 *   component that is not a directory is not ours, and is left alone. Directories above a
 *   path (in `write` too) that the agent made unreadable are given back u+rwx.
 * - `clear`: removes everything in the directory (made writable first), but not itself.
 *
 * Failures exit 1 with one line on stderr.
 */
export const CONFINED_PROGRAM = String.raw`
use strict; use warnings; use Fcntl qw(:DEFAULT :mode);
use constant { ENTRIES => 100000, DEPTH => 64 };
umask 077; binmode STDIN; binmode STDOUT;
my ($op, $max, $budget, @args) = @ARGV;
my ($out, $entries) = (0, 0);
sub fail { print STDERR "@_\n"; exit 1 }
sub field { my $s = shift; $s = "" unless defined $s; return length($s) . ":$s," }
sub put { my $r = join "", map { field($_) } @_[0 .. 3]; $out += length $r; print $r }
sub kind {
  my $m = shift;
  return S_ISREG($m) ? "file" : S_ISDIR($m) ? "directory" : S_ISLNK($m) ? "symlink"
    : S_ISFIFO($m) ? "fifo" : S_ISSOCK($m) ? "socket" : S_ISCHR($m) || S_ISBLK($m) ? "device"
    : "other";
}
sub perm { return sprintf "%o", $_[0] & 07777 }
sub absent { my ($name) = @_; return (($!{ENOENT} || $!{ENOTDIR}) ? "missing" : "error", $name, "", "$!") }
sub above {
  my @parts = split m{/}, shift; pop @parts; my $at;
  for my $part (@parts) {
    $at = defined $at ? "$at/$part" : $part;
    my @st = lstat $at;
    return absent($at) unless @st;
    return (kind($st[2]), $at, "", "") unless S_ISDIR($st[2]);
  }
  return;
}
sub entry {
  my ($path, $name) = @_;
  my @st = lstat $path;
  return absent($name) unless @st;
  return ("directory", $name, perm($st[2]), "") if S_ISDIR($st[2]);
  return ("symlink", $name, "", readlink($path)) if S_ISLNK($st[2]);
  return (kind($st[2]), $name, "", "") unless S_ISREG($st[2]);
  my $room = $budget - $out; $room = 0 if $room < 0;
  my $limit = $max < $room ? $max : $room;
  return ("large", $name, perm($st[2]), $st[7]) if $st[7] > $limit;
  sysopen(my $fh, $path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
    or return ($!{ELOOP} ? "symlink" : "error", $name, "", "$!");
  my @now = stat $fh;
  return (kind($now[2]), $name, "", "") unless S_ISREG($now[2]);
  my $data = "";
  while (length($data) <= $limit) {
    my $n = sysread($fh, $data, 65536, length $data);
    return ("error", $name, "", "$!") unless defined $n;
    last if $n == 0;
  }
  return ("large", $name, perm($now[2]), length $data) if length($data) > $limit;
  return ("file", $name, perm($now[2]), $data);
}
sub walk {
  my ($root, $rel, $depth) = @_;
  opendir(my $dh, $rel eq "" ? $root : "$root/$rel") or return put("error", $rel, "", "$!");
  my @names;
  while (defined(my $name = readdir $dh)) {
    next if $name eq "." || $name eq "..";
    push @names, $name;
    if ($entries + @names > ENTRIES) { put("error", "", "", "more than " . ENTRIES . " entries"); exit 0 }
  }
  closedir $dh;
  for my $name (sort @names) {
    $entries++;
    if ($out > $budget) { put("error", "", "", "more than $budget bytes"); exit 0 }
    my $path = $rel eq "" ? $name : "$rel/$name";
    my @record = entry("$root/$path", $path);
    put(@record);
    next unless $record[0] eq "directory";
    if ($depth >= DEPTH) { put("error", $path, "", "more than " . DEPTH . " levels deep"); next }
    walk($root, $path, $depth + 1);
  }
}
sub remove {
  my $path = shift;
  my @st = lstat $path or return;
  if (!S_ISDIR($st[2])) { unlink $path or fail("cannot remove $path: $!"); return }
  system("chmod", "-R", "u+rwx", "--", $path);
  system("rm", "-rf", "--", $path) == 0 or fail("cannot remove $path");
}
sub ancestors {
  my ($path, $make) = @_;
  my @parts = split m{/}, $path; pop @parts; my $at;
  for my $part (@parts) {
    $at = defined $at ? "$at/$part" : $part;
    my @st = lstat $at;
    if (@st && S_ISDIR($st[2])) {
      chmod(($st[2] & 07777) | 0700, $at) if ($st[2] & 0700) != 0700;
      next;
    }
    fail("cannot reach $at: $!") unless @st || $!{ENOENT} || $!{ENOTDIR};
    return 0 unless $make;
    remove($at) if @st;
    mkdir($at, 0700) or fail("cannot make directory $at: $!");
  }
  return 1;
}
sub parents { ancestors($_[0], 1) }
sub make {
  my ($kind, $path, $mode, $data) = @_;
  if ($kind eq "directory") {
    mkdir($path, 0700) or fail("cannot make directory $path: $!");
    chmod(oct($mode), $path) or fail("cannot chmod $path: $!");
  } elsif ($kind eq "symlink") {
    symlink($data, $path) or fail("cannot make symlink $path: $!");
  } elsif ($kind eq "file") {
    sysopen(my $fh, $path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, 0600)
      or fail("cannot create $path: $!");
    for (my $done = 0; $done < length $data;) {
      my $n = syswrite($fh, $data, 65536, $done);
      defined $n or fail("cannot write $path: $!");
      $done += $n;
    }
    chmod(oct($mode), $fh) or fail("cannot chmod $path: $!");
    close($fh) or fail("cannot write $path: $!");
  } else {
    fail("cannot make a $kind");
  }
}
sub place {
  my ($kind, $path, $mode, $data) = @_;
  parents($path);
  my @st = lstat $path;
  if ($kind eq "directory") {
    if (@st && S_ISDIR($st[2])) { chmod(oct($mode), $path) or fail("cannot chmod $path: $!"); return }
    remove($path);
    return make(@_);
  }
  remove($path) if @st && S_ISDIR($st[2]);
  remove("$path.tmp");
  make($kind, "$path.tmp", $mode, $data);
  rename("$path.tmp", $path) or fail("cannot rename $path.tmp to $path: $!");
}
sub records {
  local $/; my $in = <STDIN>; $in = "" unless defined $in;
  my (@fields, @records); my $at = 0;
  while ($at < length $in) {
    my $colon = index($in, ":", $at);
    my $len = $colon < 0 ? "" : substr($in, $at, $colon - $at);
    fail("malformed input at byte $at")
      unless $len =~ /^[0-9]{1,12}$/ && $colon + 1 + $len < length $in
        && substr($in, $colon + 1 + $len, 1) eq ",";
    push @fields, substr($in, $colon + 1, $len);
    $at = $colon + $len + 2;
  }
  fail("malformed input: a record without 4 fields") if @fields % 4;
  push @records, [splice @fields, 0, 4] while @fields;
  return @records;
}
if ($op eq "read") {
  for my $path (@args) { my @r = above($path); put(@r ? @r : entry($path, $path)) }
} elsif ($op eq "tree") {
  my $root = $args[0];
  my @r = above($root); @r = entry($root, $root) unless @r;
  put(@r);
  walk($root, "", 0) if $r[0] eq "directory" && $r[1] eq $root;
} elsif ($op eq "write") {
  place(@$_) for records();
} elsif ($op eq "replace") {
  my $root = $args[0];
  parents($root); remove("$root.tmp");
  mkdir("$root.tmp", 0700) or fail("cannot make directory $root.tmp: $!");
  make($_->[0], "$root.tmp/$_->[1]", $_->[2], $_->[3]) for records();
  chmod(0755, "$root.tmp") or fail("cannot chmod $root.tmp: $!");
  remove($root);
  rename("$root.tmp", $root) or fail("cannot rename $root.tmp to $root: $!");
} elsif ($op eq "remove") {
  for my $path (@args) { remove($path) if ancestors($path, 0) }
} elsif ($op eq "clear") {
  opendir(my $dh, ".") or fail("cannot list the directory: $!");
  my @names = grep { $_ ne "." && $_ ne ".." } readdir $dh;
  closedir $dh;
  remove($_) for @names;
} else {
  fail("unknown operation $op");
}
`;

/** The sh script runConfined runs: the program comes as `$1`, the operation after it. */
export const CONFINED_SCRIPT = 'program=$1; shift; exec perl -e "$program" -- "$@"';
