//! `repo:gc` and `repo:purge-cache`: an app's bare repository and build
//! cache (recorded on 0.38.27: both silent on success).

use crate::client::Dokku;
use crate::command::Command;
use crate::error::Result;
use crate::name::AppName;

/// `repo:gc <app>` (`git gc --aggressive`).
pub fn gc_command(app: &AppName) -> Command {
    Command::write("repo:gc").app_arg(app).long_running()
}

/// `repo:purge-cache <app>`.
pub fn purge_cache_command(app: &AppName) -> Command {
    Command::write("repo:purge-cache").app_arg(app)
}

/// Handler for `repo:*`; see [`Dokku::repo`].
#[derive(Debug, Clone, Copy)]
pub struct Repo<'a> {
    dokku: &'a Dokku,
}

impl Dokku {
    /// Handler for an app's repository and build cache.
    pub fn repo(&self) -> Repo<'_> {
        Repo { dokku: self }
    }
}

impl Repo<'_> {
    /// Garbage-collect the app's repository.
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.repo().gc(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::AppNotFound`](crate::Error::AppNotFound) and the other
    /// command errors.
    pub async fn gc(self, app: &AppName) -> Result<()> {
        self.dokku.run(&gc_command(app)).await.map(drop)
    }

    /// Empty the app's build cache (the next build starts cold).
    ///
    /// ```no_run
    /// # async fn demo(dokku: dokku_core::Dokku) -> Result<(), Box<dyn std::error::Error>> {
    /// dokku.repo().purge_cache(&dokku_core::AppName::new("api")?).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Repo::gc`].
    pub async fn purge_cache(self, app: &AppName) -> Result<()> {
        self.dokku.run(&purge_cache_command(app)).await.map(drop)
    }
}
