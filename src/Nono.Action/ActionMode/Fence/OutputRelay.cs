namespace Nono.Action.ActionMode.Fence;

/// <summary>
/// Gives descriptors 1 and 2 one pipe that only this process can read, and copies it onto the original stdout.
/// One pipe keeps the command's stdout and stderr in the order it wrote them and on one runner stream, so the
/// stop and resume lines around it cannot be overtaken by lines still queued on the other stream.
/// <see cref="Stop"/> restores the descriptors, drains what the pipe holds and closes it, so a process that
/// outlives the command gets EPIPE instead of a voice on the runner's streams. The copy is neutralised
/// (<see cref="RelayedLineNeutraliser"/>), so the stop token is not the only fence: a leaked token resumes nothing.
/// </summary>
internal sealed class OutputRelay
{
    private const int BufferSize = 64 * 1024;

    private readonly int _originalOutput;
    private readonly int _originalError;
    private readonly int _pipeRead;
    private readonly int _stopRead;
    private readonly int _stopWrite;
    private readonly Thread _thread;
    private readonly RelayedLineNeutraliser _neutraliser = new();
    private readonly byte[] _transformed = new byte[RelayedLineNeutraliser.MaxOutput(BufferSize)];
    private bool _sinkBroken;
    private Exception? _failure;

    private OutputRelay(int originalOutput, int originalError, int pipeRead, int stopRead, int stopWrite)
    {
        _originalOutput = originalOutput;
        _originalError = originalError;
        _pipeRead = pipeRead;
        _stopRead = stopRead;
        _stopWrite = stopWrite;
        _thread = new Thread(Loop) { IsBackground = true, Name = "nono output relay" };
    }

    public static OutputRelay Start()
    {
        int originalOutput = FenceInterop.DuplicateCloseOnExec(1);
        int originalError = FenceInterop.DuplicateCloseOnExec(2);
        (int read, int write) = FenceInterop.Pipe();
        FenceInterop.SetNonBlocking(read);
        // dup2 leaves the new descriptors inheritable: the command gets the pipe as its stdout and stderr.
        FenceInterop.Replace(write, 1);
        FenceInterop.Replace(write, 2);
        FenceInterop.Close(write);
        (int stopRead, int stopWrite) = FenceInterop.Pipe();
        OutputRelay relay = new(originalOutput, originalError, read, stopRead, stopWrite);
        relay._thread.Start();
        return relay;
    }

    /// <summary>Restores descriptors 1 and 2, relays what the command wrote before it exited, closes the pipe.</summary>
    public void Stop()
    {
        FenceInterop.Replace(_originalOutput, 1);
        FenceInterop.Replace(_originalError, 2);
        FenceInterop.WriteAll(_stopWrite, [1]);
        _thread.Join();
        foreach (int fd in (int[])[_originalOutput, _originalError, _pipeRead, _stopRead, _stopWrite])
        {
            FenceInterop.Close(fd);
        }

        if (_failure is not null)
        {
            throw new IOException($"relaying the command's output failed: {_failure.Message}", _failure);
        }
    }

    private void Loop()
    {
        try
        {
            byte[] buffer = new byte[BufferSize];
            bool open = true;
            FenceInterop.PollFd[] fds = new FenceInterop.PollFd[2];
            while (true)
            {
                fds[0] = new() { Fd = open ? _pipeRead : -1, Events = FenceInterop.PollIn };
                fds[1] = new() { Fd = _stopRead, Events = FenceInterop.PollIn };
                FenceInterop.Poll(fds);
                if (fds[1].Revents != 0)
                {
                    // Everything the command wrote before it exited is in the pipe now. A survivor writing on and on cannot
                    // keep the step alive: at most one pipe's capacity more is relayed.
                    int budget = FenceInterop.PipeCapacity(_pipeRead);
                    while (open && budget > 0 && RelayOnce(buffer, ref open) is > 0 and var n)
                    {
                        budget -= n;
                    }

                    Copy(_transformed.AsSpan(0, _neutraliser.Complete(_transformed)));
                    return;
                }

                if (fds[0].Revents != 0)
                {
                    RelayOnce(buffer, ref open);
                }
            }
        }
        catch (Exception ex)
        {
            _failure = ex; // reported by Stop on the action's thread: an exception escaping this thread would end the process
        }
    }

    /// <summary>One read and its copy; the bytes read, 0 when the pipe is empty for now or closed.</summary>
    private int RelayOnce(byte[] buffer, ref bool open)
    {
        int n = FenceInterop.Read(_pipeRead, buffer);
        if (n == 0)
        {
            open = false; // every writer is gone
        }

        if (n <= 0)
        {
            return 0;
        }

        Copy(_transformed.AsSpan(0, _neutraliser.Transform(buffer.AsSpan(0, n), _transformed)));
        return n;
    }

    private void Copy(ReadOnlySpan<byte> bytes)
    {
        if (_sinkBroken || bytes.IsEmpty)
        {
            return;
        }

        try
        {
            FenceInterop.WriteAll(_originalOutput, bytes);
        }
        catch (IOException)
        {
            _sinkBroken = true; // the runner stopped reading: keep draining so the command never blocks on a full pipe
        }
    }
}
