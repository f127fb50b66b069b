namespace Nono.Core.Sandbox;

/// <summary>
/// Whether the command would inherit a terminal: <c>nono run</c> passes its own stdin, stdout and stderr through, so a
/// terminal on any of them is the command's too (<see cref="EnforcementOptions.TerminalAttached"/>).
/// </summary>
public static class StdioTerminal
{
    /// <summary>True when descriptor 0, 1 or 2 of this process is a terminal.</summary>
    public static bool Attached() => Interop.Interop.IsTerminal(0) || Interop.Interop.IsTerminal(1) || Interop.Interop.IsTerminal(2);

    /// <summary>
    /// The names of the terminals on descriptors 0-2 of this process: the target of /proc/self/fd/N, kept only when that
    /// name reaches the same file as the descriptor (a terminal that is gone or renamed is left out).
    /// </summary>
    public static IReadOnlyList<string> Devices()
    {
        List<string> devices = [];
        for (int fd = 0; fd <= 2; fd++)
        {
            if (!Interop.Interop.IsTerminal(fd))
            {
                continue;
            }

            string link = $"/proc/self/fd/{fd}";
            try
            {
                if (new FileInfo(link).LinkTarget is string name && name.StartsWith('/')
                    && Interop.Interop.TryGetIdentity(link, out Interop.FileIdentity opened)
                    && Interop.Interop.TryGetIdentity(name, out Interop.FileIdentity named) && opened == named)
                {
                    devices.Add(name);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Diagnostics.NonoException)
            {
                // Unreadable: the terminal stays usable through the descriptor, only not by name.
            }
        }

        return devices;
    }
}
