//! The proxies' reports: nginx (the default) and the compose-based
//! caddy, haproxy, openresty and traefik.

use serde::{Deserialize, Serialize};

use super::Property;
use crate::api::report::{any_secret_set, typed_report};
use crate::catalog::plugins;
use crate::parse::ParseError;

/// The nginx settings nginx and openresty share (openresty-docker-proxy
/// renders the same template): each property's app, global and computed
/// value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all(deserialize = "kebab-case"))]
#[non_exhaustive]
pub struct NginxSettings {
    /// The access log format (`log_format` name).
    pub access_log_format: Property,
    /// The access log file (`off` disables it).
    pub access_log_path: Property,
    /// The IPv4 address to listen on.
    pub bind_address_ipv4: Property,
    /// The IPv6 address to listen on (`::`).
    pub bind_address_ipv6: Property,
    /// `client_body_timeout` (`60s`).
    pub client_body_timeout: Property,
    /// `client_header_timeout` (`60s`).
    pub client_header_timeout: Property,
    /// `client_max_body_size` (`1m`).
    pub client_max_body_size: Property,
    /// The error log file.
    pub error_log_path: Property,
    /// Whether HSTS is sent on HTTPS (`true`).
    pub hsts: Property,
    /// HSTS `includeSubDomains` (`true`).
    pub hsts_include_subdomains: Property,
    /// HSTS `max-age` in seconds (`15724800`).
    pub hsts_max_age: Property,
    /// HSTS `preload` (`false`).
    pub hsts_preload: Property,
    /// `keepalive_timeout` (`75s`).
    pub keepalive_timeout: Property,
    /// `lingering_timeout` (`5s`).
    pub lingering_timeout: Property,
    /// `proxy_buffer_size` (`4k`).
    pub proxy_buffer_size: Property,
    /// `proxy_buffering` (`on`).
    pub proxy_buffering: Property,
    /// `proxy_buffers` (`8 4k`).
    pub proxy_buffers: Property,
    /// `proxy_busy_buffers_size` (`8k`).
    pub proxy_busy_buffers_size: Property,
    /// `proxy_connect_timeout` (`60s`).
    pub proxy_connect_timeout: Property,
    /// `proxy_read_timeout` (`60s`).
    pub proxy_read_timeout: Property,
    /// `proxy_send_timeout` (`60s`).
    pub proxy_send_timeout: Property,
    /// `send_timeout` (`60s`).
    pub send_timeout: Property,
    /// `underscores_in_headers` (`off`).
    pub underscore_in_headers: Property,
    /// The `X-Forwarded-For` value (`$remote_addr`).
    pub x_forwarded_for_value: Property,
    /// The `X-Forwarded-Port` value (`$server_port`).
    pub x_forwarded_port_value: Property,
    /// The `X-Forwarded-Proto` value (`$scheme`).
    pub x_forwarded_proto_value: Property,
    /// The `X-Forwarded-Ssl` value.
    pub x_forwarded_ssl: Property,
}

/// The settings every compose-based proxy (caddy, haproxy, openresty,
/// traefik) has, all global only: each property's global and computed
/// value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, rename_all(deserialize = "kebab-case"))]
#[non_exhaustive]
pub struct ComposeSettings {
    /// The proxy's image.
    pub image: Property,
    /// The Let's Encrypt account email.
    pub letsencrypt_email: Property,
    /// The ACME server.
    pub letsencrypt_server: Property,
    /// The proxy's log level.
    pub log_level: Property,
}

typed_report! {
    /// `nginx:report` for one app, or `--global`: every nginx property (the
    /// app's, the global and the computed value).
    pub struct NginxReport for NGINX {
        /// The settings nginx and openresty share.
        #[serde(flatten)]
        pub settings: NginxSettings,
        /// Whether the app's own `nginx.conf.sigil` is ignored.
        pub disable_custom_config: Property,
        /// Where the app's `nginx.conf.sigil` is read from.
        pub nginx_conf_sigil_path: Property,
        /// The command that controls the nginx service (global).
        pub nginx_service_command: Property,
        /// Upstream `keepalive` connections.
        pub proxy_keepalive: Property,
        /// When the app's site was last requested (from the access log).
        pub last_visited_at: Option<String>,
    }
}

typed_report! {
    /// `openresty:report` for one app, or `--global` (which computes per-app
    /// paths with the literal name `--global`).
    pub struct OpenrestyReport for OPENRESTY {
        /// The settings every compose-based proxy has (global only).
        #[serde(flatten)]
        pub compose: ComposeSettings,
        /// The settings nginx and openresty share.
        #[serde(flatten)]
        pub settings: NginxSettings,
        /// The Lua function (base64) deciding which domains get certificates (global).
        pub allowed_letsencrypt_domains_func_base64: Property,
    }
}

typed_report! {
    /// `caddy:report` for one app, or `--global`.
    pub struct CaddyReport for CADDY {
        /// The settings every compose-based proxy has (global only).
        #[serde(flatten)]
        pub compose: ComposeSettings,
        /// How often caddy-docker-proxy polls Docker (global).
        pub polling_interval: Property,
        /// Whether the app gets a certificate from caddy's internal CA.
        pub tls_internal: Property,
    }
}

typed_report! {
    /// `haproxy:report` for one app, or `--global`.
    pub struct HaproxyReport for HAPROXY {
        /// The settings every compose-based proxy has (global only).
        #[serde(flatten)]
        pub compose: ComposeSettings,
        /// Seconds between configuration refreshes (global).
        pub refresh_conf: Property,
    }
}

typed_report! {
    /// `traefik:report` for one app, or `--global`.
    ///
    /// Dokku prints the dashboard's basic-auth password in it: the typed
    /// report says only whether one is set, and the raw map holds `***` in
    /// its place.
    pub struct TraefikReport for TRAEFIK then TraefikReport::password_from_raw {
        /// The settings every compose-based proxy has (global only).
        #[serde(flatten)]
        pub compose: ComposeSettings,
        /// Whether traefik's API is on.
        pub api_enabled: Property,
        /// The API's entry point.
        pub api_entry_point: Property,
        /// The API entry point's address.
        pub api_entry_point_address: Property,
        /// The dashboard's hostname.
        pub api_vhost: Property,
        /// The dashboard's basic-auth user.
        pub basic_auth_username: Property,
        /// The ACME challenge (`tls`, `http`, `dns`).
        pub challenge_mode: Property,
        /// Whether the dashboard is on.
        pub dashboard_enabled: Property,
        /// The lego DNS provider for `dns` challenges.
        pub dns_provider: Property,
        /// The HTTP entry point name.
        pub http_entry_point: Property,
        /// The HTTPS entry point name.
        pub https_entry_point: Property,
        /// Whether a dashboard basic-auth password is set (its value is not
        /// kept).
        #[serde(deserialize_with = "crate::model::de::filled_later")]
        pub basic_auth_password_set: bool,
    }
}

impl TraefikReport {
    /// Whether the (already redacted) basic-auth password is set.
    fn password_from_raw(&mut self) -> Result<(), ParseError> {
        self.basic_auth_password_set = any_secret_set(&plugins::TRAEFIK, &self.raw);
        Ok(())
    }
}
