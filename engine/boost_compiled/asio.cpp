// Asio (and its SSL layer) compiled once for the whole project.
// BOOST_ASIO_SEPARATE_COMPILATION (set on shiftsync::asio) makes every other file include only
// declarations; the definitions live in this one translation unit, which ccache keeps warm.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
