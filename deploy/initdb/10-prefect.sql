-- The Prefect server keeps its own database beside the service's.
CREATE DATABASE prefect OWNER eia;
