namespace RelationGraph.EmbeddedPostgres;

/// <summary>No PostgreSQL server binaries were found on this machine.</summary>
public sealed class PostgresNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PostgresNotFoundException()
        : base("PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in `pg_config --bindir` or /usr/lib/postgresql/*/bin. " +
               "Install them (Debian: apt-get install postgresql) or set RelationGraph:PostgresBinDirectory, or point RelationGraph:ConnectionString at a running server.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PostgresNotFoundException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public PostgresNotFoundException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
