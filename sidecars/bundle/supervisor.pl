#!/usr/bin/perl
# The bundle supervisor, started detached by launch.ts as the leader of its own session:
#   perl supervisor.pl --bottle NAME --run-dir DIR --name NAME --socket PATH
#     --config-error-code N --restart-policy INITIAL,MAX,HEALTHY,MAX_RESTARTS,WINDOW (ms)
#     [--ready-timeout-ms N] [--stop-grace-ms N] -- COMMAND ARG...
# It runs one daemon (COMMAND, with this process's environment), judges it ready once SOCKET
# accepts a connection, restarts it with backoff when it exits (restart_policy.ts has the
# same rules), forwards SIGHUP (reload), and on SIGTERM/SIGINT stops it and removes SOCKET.
# Its stderr, inherited by the daemon, is the bundle log. Exit status: 0 stopped, 1 the daemon
# failed for good after it had been ready, 2 it never became ready (bad configuration: exit
# code N on its first start, or a crash loop before the first ready). Perl, not Deno: a few
# MB instead of ~40 MB per bottle. Only perl-base builtins, so it runs wherever the sandbox
# init does.
use strict;

# Linux values (the product runs on Linux only): Socket and POSIX are not in every perl, and
# `use constant` alone would cost 0.7 MB.
sub AF_UNIX () { 1 }
sub SOCK_STREAM () { 1 }
sub WNOHANG () { 1 }

my @SIGNAL_NAMES = qw(ZERO HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM
  TERM STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS);

sub log_line {
  my @t = gmtime();
  printf STDERR "%04d-%02d-%02dT%02d:%02d:%02dZ bundle: %s\n",
    $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0], $_[0];
}

sub usage_error {
  log_line($_[0]);
  exit 2;
}

my %opt = ('ready-timeout-ms' => 10_000, 'stop-grace-ms' => 2000);
while (@ARGV && $ARGV[0] ne '--') {
  my $flag = shift @ARGV;
  usage_error("unknown argument $flag") unless $flag =~ /^--([a-z-]+)$/ && @ARGV;
  $opt{$1} = shift @ARGV;
}
shift @ARGV;
my @command = @ARGV;
for my $name (qw(bottle run-dir name socket config-error-code restart-policy)) {
  usage_error("missing --$name") unless defined $opt{$name};
}
usage_error('missing the daemon command after --') unless @command;
my ($INITIAL_MS, $MAX_MS, $HEALTHY_MS, $MAX_RESTARTS, $WINDOW_MS) =
  split /,/, $opt{'restart-policy'};
usage_error('--restart-policy needs 5 numbers') unless defined $WINDOW_MS;
my $NAME = $opt{name};
my $SOCKET = $opt{socket};

my ($stopping, $reload_pending, $ready, $pid) = (0, 0, 0, undef);
$SIG{TERM} = $SIG{INT} = sub { $stopping = 1 };
$SIG{HUP} = sub {
  if ($ready && $pid) { kill 'HUP', $pid } else { $reload_pending = 1 }
};
# A handler (not IGNORE) so that SIGCHLD interrupts the sleeps below.
$SIG{CHLD} = sub { };

# A monotonic clock with 10 ms steps (Time::HiRes is not in perl-base).
sub now_ms {
  open my $uptime, '<', '/proc/uptime' or return time() * 1000;
  my ($seconds) = split ' ', scalar <$uptime>;
  return int($seconds * 1000);
}

# Sleeps up to $ms; a signal (child exit, stop, reload) ends it early.
sub nap { select(undef, undef, undef, $_[0] / 1000) }

my ($delay_ms, @restarts) = (0);

# restart_policy.ts: exponential backoff, reset after a healthy run, crash-loop limit.
sub restart_decision {
  my ($now, $uptime_ms) = @_;
  $delay_ms = 0 if $uptime_ms >= $HEALTHY_MS;
  $delay_ms = $delay_ms == 0 ? $INITIAL_MS : ($delay_ms * 2 > $MAX_MS ? $MAX_MS : $delay_ms * 2);
  @restarts = ((grep { $now - $_ < $WINDOW_MS } @restarts), $now);
  return (undef, sprintf('exited %d times within %d s', scalar @restarts, $WINDOW_MS / 1000))
    if @restarts > $MAX_RESTARTS;
  return ($delay_ms, undef);
}

sub accepts {
  socket(my $conn, AF_UNIX, SOCK_STREAM, 0) or return 0;
  my $ok = connect($conn, pack('S Z108', AF_UNIX, $SOCKET));
  close $conn;
  return $ok;
}

# The child's wait status once it has exited (reaped), else undef.
my $status;
sub exited {
  return 1 if defined $status;
  $status = $? if waitpid($pid, WNOHANG) == $pid;
  return defined $status;
}

sub describe {
  my $signal = $status & 127;
  return $signal ? 'signal SIG' . ($SIGNAL_NAMES[$signal] // $signal) : 'code ' . ($status >> 8);
}

sub wait_exit {
  my ($ms) = @_;
  my $deadline = now_ms() + $ms;
  until (exited()) {
    return 0 if defined $ms && now_ms() > $deadline;
    nap(50);
  }
  return 1;
}

sub kill_child {
  kill 'TERM', $pid;
  return if wait_exit($opt{'stop-grace-ms'});
  kill 'KILL', $pid;
  wait_exit(5000);
}

sub wait_ready {
  my ($waited, $delay) = (0, 2);
  while (!exited() && !$stopping && $waited < $opt{'ready-timeout-ms'}) {
    return 1 if accepts();
    nap($delay);
    $waited += $delay;
    $delay = $delay * 2 > 25 ? 25 : $delay * 2;
  }
  return 0;
}

# Runs the daemon until a stop (returns undef) or until it fails for good (returns why).
sub supervise {
  my $ever_ready = 0;
  until ($stopping) {
    my $started = now_ms();
    $status = undef;
    $pid = fork();
    return ("cannot start $NAME: $!", $ever_ready ? 1 : 2) unless defined $pid;
    if ($pid == 0) {
      $SIG{$_} = 'DEFAULT' for qw(TERM INT HUP CHLD);
      open STDOUT, '>', '/dev/null';
      exec { $command[0] } @command;
      log_line("cannot run $command[0]: $!");
      exit 127;
    }
    if (wait_ready()) {
      $ever_ready = $ready = 1;
      if ($reload_pending) {
        $reload_pending = 0;
        kill 'HUP', $pid;
      }
    } elsif (!$stopping && !exited()) {
      log_line("$NAME did not become ready; killing it");
      kill_child();
    }
    nap(500) until exited() || $stopping;
    $ready = 0;
    return undef if $stopping;
    $pid = undef;
    if (!$ever_ready && !($status & 127) && ($status >> 8) == $opt{'config-error-code'}) {
      return ("$NAME failed to start (" . describe() . ')', 2);
    }
    my ($delay, $reason) = restart_decision(now_ms(), now_ms() - $started);
    return ("$NAME $reason; giving up", $ever_ready ? 1 : 2) unless defined $delay;
    log_line("$NAME exited (" . describe() . "); restarting in $delay ms");
    my $until = now_ms() + $delay;
    nap($until - now_ms()) while !$stopping && now_ms() < $until;
  }
  return undef;
}

my ($failure, $code) = supervise();
log_line($failure) if defined $failure;
kill_child() if defined $pid && !exited();
unlink $SOCKET;
exit(defined $failure ? ($code // 1) : 0);
