using Nono.Action.Cli;
using Nono.Core.Audit;
using Nono.Core.Diagnostics;

namespace Nono.Action.Commands;

/// <summary>Where the audit trail lives: <c>$XDG_STATE_HOME/nono/audit</c>, else <c>$HOME/.local/state/nono/audit</c>.</summary>
internal static class AuditCommandPaths
{
    public static string AuditRoot(CliContext context)
    {
        string? state = context.GetEnv("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state) || !Path.IsPathRooted(state))
        {
            string? home = context.GetEnv("HOME");
            if (string.IsNullOrEmpty(home) || !Path.IsPathRooted(home))
            {
                throw new NonoException(NonoErrorCode.InvalidPolicy, "cannot locate the audit trail: neither XDG_STATE_HOME nor HOME is an absolute path");
            }

            state = Path.Combine(home, ".local", "state");
        }

        return AuditFormat.AuditRoot(state);
    }

    public static string RequireSessionId(string id)
    {
        if (!AuditSessionId.IsValid(id))
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"invalid audit session id '{id}'");
        }

        return id;
    }
}
