using System.CommandLine;

namespace Nono.Action.Cli;

/// <summary>
/// A plain <see cref="Command"/> in place of System.CommandLine's <see cref="RootCommand"/>, for an argument list that
/// names one of nono's commands and can reach nothing the root adds: its help option (recursive, so <c>nono run -h</c>
/// is the root's too), its version option, its <c>[suggest]</c> directive and response files (<c>@file</c>). Such a list
/// tokenizes, parses and runs the same under either root, and a sandboxed start skips what the RootCommand constructor
/// costs: the executable-name lookup through the AOT reflection runtime and System.CommandLine's ResourceManager for the
/// options' descriptions (about 4 % of a <c>nono wrap</c>'s samples; docs/notes/s15-cli.md). Every other list, and any
/// doubt, gets the real root.
/// </summary>
internal static class PlainRoot
{
    /// <summary>The aliases of the root's help and version options.</summary>
    private static readonly string[] s_rootOptionAliases = ["--help", "-h", "/h", "-?", "/?", "--version"];

    /// <summary>The root for <paramref name="args"/>, whose first argument names a command; null when they need the real one.</summary>
    public static Command? TryCreate(string[] args, string description) =>
        CannotReachTheRoot(args) && ExecutableName() is { Length: > 0 } name ? new Command(name, description) : null;

    /// <summary>
    /// True when no argument before the first <c>--</c> could be the root's help or version option, a bundle of short
    /// options holding the help option (<c>-sh</c>), or a response file. After <c>--</c> System.CommandLine reads
    /// every argument as the command's.
    /// </summary>
    internal static bool CannotReachTheRoot(IEnumerable<string> args)
    {
        foreach (string arg in args)
        {
            if (arg == "--")
            {
                return true;
            }

            if (MayReachTheRoot(arg))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MayReachTheRoot(string arg)
    {
        if (arg.StartsWith('@'))
        {
            return true;
        }

        // An alias as it stands or before an inline value (--help=x, -h:x): System.CommandLine splits at the first ':' or '='.
        int split = arg.AsSpan().IndexOfAny(':', '=');
        ReadOnlySpan<char> head = split < 0 ? arg : arg.AsSpan(0, split);
        foreach (string alias in s_rootOptionAliases)
        {
            if (head.SequenceEqual(alias))
            {
                return true;
            }
        }

        // POSIX bundling unbundles "-sh" into "-s -h" when every letter is a known option; any 'h' or '?' may be one.
        return arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && arg.AsSpan(1).IndexOfAny('h', '?') >= 0;
    }

    /// <summary>
    /// <see cref="RootCommand.ExecutableName"/>'s rule in an executable (whose entry assembly is never null): the file name
    /// of <c>argv[0]</c> without its extension and without spaces. The parser compares the first argument with the root's
    /// name, so the two must agree. Null (use the real root) when there is no <c>argv[0]</c>.
    /// </summary>
    private static string? ExecutableName()
    {
        string[] argv = Environment.GetCommandLineArgs();
        return argv is [{ Length: > 0 } path, ..] ? Path.GetFileNameWithoutExtension(path).Replace(" ", "", StringComparison.Ordinal) : null;
    }
}
