-- Base tables: the import contract. One table per CRM export; columns typed as a
-- real export would carry them. Only customers.customer_id is required by the importer;
-- segment/region/country/channel default to 'Unknown'.
--
-- Personal data: a column marked `-- personal data` is the ONE list of personal columns
-- (crm.warehouse.personal_columns). It is imported with its table, but a build stores it only
-- in the version's identities file (identities-<stamp>.duckdb, with the id and consent), never
-- in the warehouse that query files read; the app joins it for roles with the right.

CREATE TABLE customers (
    customer_id        VARCHAR NOT NULL,  -- unique id of the customer
    name               VARCHAR,           -- personal data
    email              VARCHAR,           -- personal data
    segment            VARCHAR NOT NULL,  -- e.g. Multinational, Large national, Small national, Household
    region             VARCHAR NOT NULL,  -- sales region (the unit of access control)
    country            VARCHAR NOT NULL,
    city               VARCHAR,
    channel            VARCHAR NOT NULL,  -- channel the customer was acquired through
    acquired_on        DATE NOT NULL,     -- start of the first active spell
    lost_on            DATE,              -- date the customer was recorded as lost (ends the spell that contains it)
    loss_reason        VARCHAR,           -- why the customer left (price, service, competitor, ...)
    parent_customer_id VARCHAR,           -- household head or parent company (linked value)
    consent            BOOLEAN            -- agreed to be contacted / profiled
);

CREATE TABLE leads (
    lead_id      VARCHAR NOT NULL,
    segment      VARCHAR NOT NULL,
    region       VARCHAR NOT NULL,
    country      VARCHAR NOT NULL,
    channel      VARCHAR NOT NULL,  -- channel through which the lead was contacted
    contacted_on DATE NOT NULL,
    converted_on DATE,              -- NULL = never converted
    customer_id  VARCHAR            -- the customer the lead became, if any
);

CREATE TABLE orders (
    order_id       VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    ordered_on     DATE NOT NULL,
    amount         DOUBLE NOT NULL,  -- order value in the reporting currency
    channel        VARCHAR,          -- channel the order came through
    payment_method VARCHAR           -- card, direct debit, invoice, ...
);

CREATE TABLE interactions (
    interaction_id VARCHAR NOT NULL,
    customer_id    VARCHAR NOT NULL,
    channel        VARCHAR NOT NULL,
    interacted_on  DATE NOT NULL,
    kind           VARCHAR  -- sales, service or marketing
);

CREATE TABLE channel_costs (
    month            DATE NOT NULL,     -- first day of the month
    channel          VARCHAR NOT NULL,
    region           VARCHAR NOT NULL,
    acquisition_cost DOUBLE NOT NULL,   -- spent to win new customers
    service_cost     DOUBLE NOT NULL    -- spent to serve existing customers
);

CREATE TABLE complaints (
    complaint_id      VARCHAR NOT NULL,
    customer_id       VARCHAR NOT NULL,
    channel           VARCHAR NOT NULL,
    category          VARCHAR NOT NULL,
    received_at       TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,        -- NULL = not answered yet
    resolved_at       TIMESTAMP,        -- NULL = still open
    rewarded          BOOLEAN NOT NULL  -- the complaint led to an improvement and was rewarded
);

CREATE TABLE surveys (
    survey_id   VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    channel     VARCHAR,
    answered_on DATE NOT NULL,
    nps_score   INTEGER,  -- 0..10 "how likely are you to recommend us"
    csat_score  INTEGER   -- 1..5 satisfaction with the last contact
);

CREATE TABLE staff (
    employee_id     VARCHAR NOT NULL,
    region          VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,
    customer_facing BOOLEAN NOT NULL,
    hired_on        DATE NOT NULL,
    left_on         DATE
);

CREATE TABLE training (
    employee_id VARCHAR NOT NULL,
    course      VARCHAR NOT NULL,
    trained_on  DATE NOT NULL,
    hours       DOUBLE NOT NULL
);

CREATE TABLE targets (
    kpi        VARCHAR NOT NULL,  -- query id of the KPI, e.g. churn_rate
    valid_from DATE NOT NULL,
    valid_to   DATE NOT NULL,     -- inclusive
    goal       DOUBLE NOT NULL,
    red_flag   DOUBLE NOT NULL
);
