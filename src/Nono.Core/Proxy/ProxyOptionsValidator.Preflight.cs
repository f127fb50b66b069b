namespace Nono.Core.Proxy;

public static partial class ProxyOptionsValidator
{
    /// <summary>
    /// Everything <see cref="EgressProxy.StartAsync"/> would refuse, checked before the sandbox is forked (and by a dry
    /// run): the options themselves and each credential source (variable set, file readable, command executable; a
    /// command is not run here). The listener is handed in by the caller, so the bind address is not checked.
    /// </summary>
    public static IReadOnlyList<string> Preflight(ProxyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [.. Validate(options, requireLoopbackBind: false)];
        if (errors.Count == 0)
        {
            foreach (CredentialService service in options.Services)
            {
                if (CredentialResolver.CheckSource(service, options.SupervisorEnvironment) is string problem)
                {
                    errors.Add(problem);
                }
            }
        }

        return errors;
    }
}
