using Nono.Core.Snapshots;

namespace Nono.Action.Commands;

/// <summary>
/// Progress for long snapshot and restore work: a self-overwriting line with counts and bytes when
/// stderr is an interactive terminal, nothing in CI logs (the command prints one summary line).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class RollbackProgress : IProgress<SnapshotProgress>
{
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _lastTicks;
    private bool _dirty;

    private RollbackProgress(TextWriter writer, TimeProvider time)
    {
        _writer = writer;
        _time = time;
    }

    /// <summary>A reporter when the error stream is this process's interactive terminal and not a CI job; otherwise null.</summary>
    public static RollbackProgress? ForTerminal(Cli.CliContext context)
    {
        bool ci = context.GetEnv("CI") is { Length: > 0 } || context.GetEnv("GITHUB_ACTIONS") is { Length: > 0 };
        bool terminal = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        return terminal && !ci ? new RollbackProgress(context.Error, TimeProvider.System) : null;
    }

    public void Report(SnapshotProgress value)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_time.GetElapsedTime(_lastTicks, now) < TimeSpan.FromMilliseconds(200))
            {
                return;
            }

            _lastTicks = now;
            string total = value.TotalEntries > 0 ? $"/{value.TotalEntries}" : "";
            string root = value.Root is null ? "" : $" {value.Root}";
            _writer.Write($"\r\u001b[K{value.Phase}{root}: {value.Entries}{total} entries, {value.Bytes / (1024.0 * 1024.0):F1} MiB");
            _dirty = true;
        }
    }

    /// <summary>Clears the progress line before the summary is printed.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (_dirty)
            {
                _writer.Write("\r\u001b[K");
                _dirty = false;
            }
        }
    }
}
