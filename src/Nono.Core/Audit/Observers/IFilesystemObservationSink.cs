namespace Nono.Core.Audit.Observers;

/// <summary>Receives denied filesystem accesses from the observers. Called from observer threads: must not block on I/O.</summary>
public interface IFilesystemObservationSink
{
    /// <summary>Records one denied access.</summary>
    public void Record(FilesystemObservation observation);
}
