using System.Security.Cryptography;

namespace Nono.Action.ActionMode.Fence;

/// <summary>
/// Keeps the sandboxed command's output from acting as workflow commands. The command never writes to the runner's
/// pipes: its stdout and stderr are one pipe that <see cref="OutputRelay"/> copies onto nono's stdout, between
/// <c>::stop-commands::TOKEN</c> and <c>::TOKEN::</c> with a random token. So the command can neither read the token
/// back out of the runner's pipe (opening /proc/self/fd/1 for reading) nor write after the resume line (the relay
/// closes its pipe first). Only stdout is fenced: the runner feeds both streams, each read on its own thread, to one
/// command manager, so a resume on one stream could be processed before lines still queued on the other; with the
/// command on stdout alone there are no such lines. nono's own stderr lines are neutralised instead (ActionOutput).
/// </summary>
internal sealed class ChildOutputFence
{
    private readonly TextWriter _output;
    private readonly string _token;
    private readonly OutputRelay? _relay;
    private readonly CommandNeutralisingWriter? _text;

    private ChildOutputFence(TextWriter output, string token, OutputRelay? relay, CommandNeutralisingWriter? text)
    {
        _output = output;
        _token = token;
        _relay = relay;
        _text = text;
    }

    /// <summary>Stops command processing and routes descriptors 1 and 2 through the relay. Call before the command starts.</summary>
    public static ChildOutputFence Raise(TextWriter output) => new(output, Stop(output), OutputRelay.Start(), null);

    /// <summary>Stops command processing around untrusted text nono itself writes through <paramref name="text"/> (no relay).</summary>
    public static ChildOutputFence RaiseTextOnly(CommandNeutralisingWriter text)
    {
        text.Complete();
        return new(text.Raw, Stop(text.Raw), null, text);
    }

    /// <summary>
    /// After the command has exited (or the text is written): puts descriptors 1 and 2 back, relays what is left, then resumes command processing
    /// on stdout. The leading newline ends a last line the command left unterminated, so the resume token always starts
    /// a line of its own.
    /// </summary>
    public void Lower()
    {
        try
        {
            _relay?.Stop();
            _text?.Complete();
        }
        finally
        {
            // Even when relaying failed: a step whose commands stay stopped would swallow nono's own verdict lines.
            _output.Write($"\n::{_token}::\n");
            _output.Flush();
        }
    }

    private static string Stop(TextWriter output)
    {
        // Never in the command's environment, arguments or any file: it exists only in this process and on the runner's pipe.
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        output.Write($"::stop-commands::{token}\n");
        output.Flush();
        return token;
    }
}
