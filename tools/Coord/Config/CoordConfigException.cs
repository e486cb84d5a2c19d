namespace Coord.Config;

/// <summary>A configuration problem the user can fix; shown as one line.</summary>
public sealed class CoordConfigException(string message) : Exception(message);
