using System.CommandLine;
using Nono.Action.Cli;
using Nono.Action.Profiles;
using Nono.Core.Policy;

namespace Nono.Action.Commands;

/// <summary><c>nono why --path P --op read|write|readwrite [--json] [policy options]</c>: explains one access decision.</summary>
internal static class WhyCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> path = new("--path") { Description = "The path to ask about", Required = true };
        Option<string> op = new("--op") { Description = "The operation: read, write or readwrite", DefaultValueFactory = _ => "read" };
        op.AcceptOnlyFromAmong("read", "write", "readwrite");
        Option<bool> json = new("--json") { Description = "Print the decision as JSON" };
        PolicyOptions policy = new();
        Command command = new("why", "Explain whether the sandbox would allow an operation on a path, and which rule decides");
        command.Options.Add(path);
        command.Options.Add(op);
        command.Options.Add(json);
        policy.AddTo(command);
        command.SetAction(result =>
        {
            // As in a run, $TMPDIR is a fresh private directory (a --path of $TMPDIR/... names it), never the host's.
            using PrivateTemp temp = PrivateTemp.Create();
            Dictionary<string, string> env = new(context.Environment, StringComparer.Ordinal) { ["TMPDIR"] = temp.Path };
            ResolvedPolicy resolved = PolicyLoader.Resolve(env, context.CurrentDirectory, policy.ReadFrom(result), out PolicySettings settings);
            foreach (string note in settings.Notes)
            {
                context.Error.WriteLine($"nono: note: {note}");
            }

            string target = Absolute(result.GetValue(path) ?? "", context, temp.Path);
            FsOperation operation = result.GetValue(op) switch
            {
                "write" => FsOperation.Write,
                "readwrite" => FsOperation.ReadWrite,
                _ => FsOperation.Read,
            };
            Decision decision = PolicyExplainer.Why(resolved, target, operation);
            if (result.GetValue(json))
            {
                context.Output.WriteLine(PolicyJson.Serialize(decision));
                return ExitCodes.Success;
            }

            context.Output.WriteLine($"{(decision.Allowed ? "ALLOWED" : "DENIED")} {result.GetValue(op)} {decision.Path}");
            context.Output.WriteLine($"  {decision.Reason}");
            if (decision.Allowed && IsUnderShm(decision.Path))
            {
                context.Output.WriteLine($"  {Shm} is the host's except in the pidns containment (cgroup, direct-child, wrap): POSIX shared memory and semaphores of the host user's processes are reachable there");
            }

            context.Output.WriteLine($"  profile: {resolved.ProfileName} (chain: {string.Join(" -> ", resolved.Chain)})");
            context.Output.WriteLine($"  TMPDIR is private to each run (here {temp.Path}; ask about it as $TMPDIR/...)");
            return ExitCodes.Success;
        });
        return command;
    }

    private const string Shm = "/dev/shm";

    /// <summary>Whether <paramref name="path"/> (absolute, normalized) is /dev/shm or below it, component by component.</summary>
    private static bool IsUnderShm(string path) =>
        path == Shm || path.StartsWith(Shm + "/", StringComparison.Ordinal);

    private static string Absolute(string path, CliContext context, string privateTemp)
    {
        if (path == "$TMPDIR" || path.StartsWith("$TMPDIR/", StringComparison.Ordinal))
        {
            return privateTemp + path["$TMPDIR".Length..];
        }

        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            string home = context.GetEnv("HOME") ?? "/";
            return home + path[1..];
        }

        return Path.GetFullPath(path, context.CurrentDirectory);
    }
}
