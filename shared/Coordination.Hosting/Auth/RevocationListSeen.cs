namespace Coordination.Hosting.Auth;

/// <summary>Set once this service has recorded a list of revocations from intake (see <see cref="RevocationResyncRequest"/>).</summary>
public sealed class RevocationListSeen
{
    private readonly TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => seen.Task;

    public void Set() => seen.TrySetResult();
}
